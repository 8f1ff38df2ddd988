// Command cgo prints a greeting from C.
package main

// #include "hello.h"
import "C"

func main() { C.hello() }
