package spec_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func TestZZProbe(t *testing.T) {
	b, _ := os.ReadFile("/tmp/probe/in.txt")
	for i, src := range strings.Split(string(b), "\n=====\n") {
		_, err := spec.Parse("foundation.yaml", []byte(src))
		fmt.Printf("---- case %d\n", i)
		if ds, ok := err.(spec.Diagnostics); ok {
			for _, d := range ds {
				fmt.Printf("%d:%d %s | %s\n", d.Line, d.Column, d.Path, d.Message)
			}
		} else {
			fmt.Println("err:", err)
		}
	}
}
