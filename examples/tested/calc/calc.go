// Package calc has internal and external tests.
package calc

import "strings"

// Sum adds xs.
func Sum(xs ...int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// Upper upper-cases s.
func Upper(s string) string { return strings.ToUpper(s) }
