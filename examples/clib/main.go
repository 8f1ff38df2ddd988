// Command clib calls a C library that comes from buildInputs, found with pkg-config.
package main

// #cgo pkg-config: greet
// #include <greet.h>
import "C"

import "fmt"

func main() { fmt.Println(C.GoString(C.greet_message())) }
