// Command packages prints a greeting assembled by two local packages.
package main

import (
	"fmt"

	"example.com/packages/a"
	"example.com/packages/b"
)

func main() { fmt.Println(a.Greeting() + ", " + b.Name() + "!") }
