// Command app prints a greeting from another module of its workspace.
package main

import (
	"fmt"

	"example.com/greet"
)

func main() { fmt.Println(greet.Message()) }
