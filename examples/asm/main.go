// Command asm prints a greeting whose length was checked by assembly.
package main

import (
	"fmt"

	"example.com/asm/add"
)

func main() {
	msg := "Hello, DGD!"
	if add.Add(5, 6) != int64(len(msg)) {
		panic("assembly is wrong")
	}
	fmt.Println(msg)
}
