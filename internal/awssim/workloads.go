package awssim

import (
	"fmt"
	"net/http"
)

// The workloads' data stores and compute, read-only: a baselined
// workload has, in the home Region, one RDS instance (every 22nd
// unencrypted and public) and one encrypted EFS file system; no
// Lambda, ECS or EKS.
func init() {
	serve("rds", map[string]handler{
		"DescribeDBInstances": queryRead(func(a *account, c *call) (string, string) {
			if !a.baselined() || a.index < Foundation || c.region != a.home() {
				return "<DBInstances/>", ""
			}
			id := "app-" + a.id
			return fmt.Sprintf("<DBInstances><DBInstance>%s%s%s%s<StorageEncrypted>%t</StorageEncrypted><PubliclyAccessible>%t</PubliclyAccessible>"+
				"<AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade><MultiAZ>true</MultiAZ></DBInstance></DBInstances>",
				el("DBInstanceIdentifier", id), el("DBInstanceArn", "arn:aws:rds:"+c.region+":"+a.id+":db:"+id), el("Engine", "postgres"),
				el("DBInstanceStatus", "available"), !a.flawed(22), a.flawed(22)), ""
		}),
	})
	serve("elasticfilesystem", map[string]handler{
		"GET /2015-02-01/file-systems": jsonRead(func(a *account, c *call) (any, string) {
			fss := []any{}
			if a.baselined() && a.index >= Foundation && c.region == a.home() {
				id := "fs-" + a.id
				fss = append(fss, map[string]any{"FileSystemId": id, "FileSystemArn": "arn:aws:elasticfilesystem:" + c.region + ":" + a.id + ":file-system/" + id,
					"Name": "shared", "Encrypted": true, "OwnerId": a.id, "CreationToken": id, "CreationTime": 1.7e9, "LifeCycleState": "available",
					"NumberOfMountTargets": 2, "PerformanceMode": "generalPurpose", "SizeInBytes": map[string]any{"Value": 6144}, "Tags": []any{}})
			}
			return map[string]any{"FileSystems": fss}, ""
		}),
	})
	serve("ecs", map[string]handler{
		"ListClusters": func(_ *Server, w http.ResponseWriter, _ *call) { writeJSON(w, map[string]any{"clusterArns": []any{}}) },
	})
	serve("eks", map[string]handler{
		"GET /clusters": func(_ *Server, w http.ResponseWriter, _ *call) { writeJSON(w, map[string]any{"clusters": []any{}}) },
	})
	serve("lambda", map[string]handler{
		"GET /2015-03-31/functions": func(_ *Server, w http.ResponseWriter, _ *call) { writeJSON(w, map[string]any{"Functions": []any{}}) },
	})
}
