// Command hello prints a greeting.
package main

import (
	"fmt"

	"example.com/subpackage/internal/greet"
)

func main() { fmt.Println(greet.Message()) }
