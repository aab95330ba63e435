//go:build crashtest

package cli

import "os"

// With -tags crashtest, GROUNDWORK_TEST_CRASH makes every verb fail the
// way a bug would, for the tests of the built binary
// (cmd/groundwork/main_test.go): "verb" panics in the verb itself,
// "goroutine" in a goroutine of its own, as a read's errgroup would, and
// "fatal" with concurrent map writes, which no recover catches.
func init() {
	switch os.Getenv("GROUNDWORK_TEST_CRASH") {
	case "verb":
		crashHook = func() { panic("injected: a bug in the verb") }
	case "goroutine":
		crashHook = func() {
			block := make(chan struct{})
			go func() { panic("injected: a bug in a read") }()
			<-block
		}
	case "fatal":
		crashHook = func() {
			m := map[int]int{}
			for i := range 4 {
				go func() {
					for j := 0; ; j++ {
						m[i*j] = j
					}
				}()
			}
			select {}
		}
	}
}
