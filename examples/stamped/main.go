// Command stamped prints a greeting whose name is stamped in at link time
// (-ldflags "-X main.name=DGD") and whose punctuation comes from a build tag.
package main

import "fmt"

// name is set with -X main.name=...
var name = "nobody"

func main() { fmt.Println("Hello, " + name + punct) }
