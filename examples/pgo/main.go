// A program that ships a CPU profile as default.pgo: go build optimises it, and every package
// it imports, with the profile (-pgo=auto).
package main

import (
	"fmt"
	"strings"
)

// greeting builds the greeting word by word (the hot path of the profile).
func greeting(words ...string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func main() { fmt.Println(greeting("Hello,", "DGD!")) }
