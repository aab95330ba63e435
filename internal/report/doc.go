// Package report renders an audit.Result for people and for machines. Each
// format is a Writer chosen once, by name, with New; every format has golden
// files in testdata/.
package report
