package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/checklist"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newChecklist(g *globals) *cobra.Command {
	var output string
	var failOnTodo bool
	cmd := &cobra.Command{
		Use:   "checklist",
		Short: "List the steps only the root user or the console can do, with their state",
		Long: `checklist lists the steps of the guidance groundwork cannot do for you,
because only the root user or the AWS console can: root password and MFA,
root access keys, billing access and preferences, the support plan, Cost
Explorer, contacts, Identity Center MFA and portal URL, confirming SNS
subscriptions. Each item has a state and the console path that does it:

  todo     an API shows the step is not done
  unknown  the API could not be read; the item says why
  manual   no API can tell: verify by hand
  done     an API shows the step is done

It runs as the management account and reads each member account's root
MFA and access keys through the access role (organization.access_role in
the spec, else OrganizationAccountAccessRole), and SNS subscriptions in the
home Region (organization.home_region, else the session's Region). A spec
that does not load is only warned about. The Cost Explorer item makes one
GetCostAndUsage request, which AWS bills at USD 0.01.

Exit code 0 whatever the states (3 with --fail-on-todo when an item is
todo); 1 only when an error prevents the checklist from running, such as
missing credentials or an organization that cannot be read.`,
		Example: `  groundwork checklist
  groundwork checklist -o json > checklist.json
  groundwork checklist --fail-on-todo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := checklist.NewWriter(output)
			if err != nil {
				return fmt.Errorf("--output: %w", err)
			}
			role, home := policy.DefaultAccessRole, ""
			var regions []string
			f, err := spec.Load(g.config)
			switch {
			case err == nil:
				role, home, regions = f.Organization.AccessRole, f.Organization.HomeRegion, f.Organization.Regions
			case !cmd.Flags().Changed("config") && errors.Is(statErr(g.config), fs.ErrNotExist):
				g.progress("no %s: default access role, the session's Region as home Region", g.config)
			default:
				fmt.Fprintf(g.io.Err, "warning: spec not used, so the access role and home Region are the defaults: %v\n", err)
			}
			ctx := cmd.Context()
			e, rd, err := g.collect(ctx, role, nil)
			if err != nil {
				return err
			}
			s := rd.Session
			if home == "" {
				home = s.Base.Region
			}
			r := checklistReader{session: s, homeRegion: home, regions: regions}
			if e.Organization != nil {
				r.management = e.Organization.ManagementAccountID
			}
			accounts := checklistAccounts(e)
			g.progress("reading the checklist of %d accounts", len(accounts))
			items := checklist.Run(ctx, r, accounts)
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("read the checklist: %w", err) // every read failed: the items say nothing
			}
			if err := w.Write(g.io.Out, items); err != nil {
				return err
			}
			if failOnTodo && checklist.Count(items)[checklist.Todo] > 0 {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	cmd.Flags().BoolVar(&failOnTodo, "fail-on-todo", false, "exit 3 when an item is todo")
	return cmd
}

// checklistAccounts lists the organization's active accounts, the
// management account first; outside an organization, the session's own
// account stands for the management account.
func checklistAccounts(e *estate.Estate) []checklist.Account {
	if e.Organization == nil {
		return []checklist.Account{{Management: true}}
	}
	mgmt := checklist.Account{ID: e.Organization.ManagementAccountID, Management: true}
	var members []checklist.Account
	for _, a := range e.SortedAccounts() {
		switch {
		case e.IsManagement(a):
			mgmt.Name = a.Name
		case a.Status == "" || a.Status == "ACTIVE":
			members = append(members, checklist.Account{ID: a.ID, Name: a.Name})
		}
	}
	return append([]checklist.Account{mgmt}, members...)
}

// checklistReader opens the checklist's APIs on a session: the management
// account's own credentials, members through the access role.
type checklistReader struct {
	session    *awsx.Session
	management string // "" outside an organization
	homeRegion string
	regions    []string // operational Regions; none without a spec
}

var _ checklist.Reader = checklistReader{}

func (r checklistReader) IAM(accountID string) checklist.IAMAPI {
	return awsx.ConfigFor{Session: r.session, Account: accountID, Management: r.management}.IAM()
}

func (r checklistReader) Account() checklist.AccountAPI {
	return account.NewFromConfig(r.session.Config("", "", ""))
}

func (r checklistReader) SNS() checklist.SNSAPI {
	return sns.NewFromConfig(r.session.Config("", "", r.homeRegion))
}

func (r checklistReader) CostExplorer() checklist.CostExplorerAPI {
	return costexplorer.NewFromConfig(r.session.Config("", "", ""))
}

func (r checklistReader) Support() checklist.SupportAPI {
	return awsx.ConfigFor{Session: r.session}.Support()
}

func (r checklistReader) SSOAdmin() checklist.SSOAdminAPI {
	return ssoadmin.NewFromConfig(r.session.Config("", "", r.homeRegion))
}

func (r checklistReader) CloudWatch() checklist.CloudWatchAPI {
	return awsx.ConfigFor{Session: r.session, Region: estate.BillingRegion}.CloudWatch()
}
