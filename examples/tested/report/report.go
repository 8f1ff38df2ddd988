// Package report makes the greeting; it has no tests of its own, but the external tests of
// calc import it, so go test builds it again against calc's test variant.
package report

import "example.com/tested/calc"

// Greeting greets name, upper-cased.
func Greeting(name string) string { return "Hello, " + calc.Upper(name) + "!" }
