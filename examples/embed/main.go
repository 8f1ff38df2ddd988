// Command embed prints a greeting embedded in the binary.
package main

import (
	_ "embed"
	"fmt"
)

//go:embed static/greeting.txt
var greeting string

func main() { fmt.Print(greeting) }
