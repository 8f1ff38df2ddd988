// Command one is the first of the module's programs.
package main

import (
	"fmt"

	"example.com/multi/internal/greet"
)

func main() { fmt.Println(greet.Hello("DGD")) }
