package importer

import "github.com/groundwork-aws/groundwork/internal/estate"

// The hints of the built-in sections, as the import of actual with opts
// finds them when the section runs, for the tests of package
// importer_test.

func LoggingHint(actual *estate.Estate, opts Options) (*estate.Logging, error) {
	im, err := Prepare(actual, opts, loggingKey)
	if err != nil {
		return nil, err
	}
	return loggingHint(im)
}

func MonitoringHint(actual *estate.Estate, opts Options) (*estate.Monitoring, error) {
	im, err := Prepare(actual, opts, monitoringKey)
	if err != nil {
		return nil, err
	}
	return monitoringHint(im), nil
}

func HardeningHint(actual *estate.Estate, opts Options) (*estate.Hardening, error) {
	im, err := Prepare(actual, opts, hardeningKey)
	if err != nil {
		return nil, err
	}
	return hardeningHint(im)
}

func BillingHint(actual *estate.Estate, opts Options) (*estate.Billing, error) {
	im, err := Prepare(actual, opts, billingKey)
	if err != nil {
		return nil, err
	}
	return billingHint(im)
}
