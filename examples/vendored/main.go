// Command vendored prints a greeting through a module vendored in vendor/.
package main

import (
	"fmt"

	"github.com/pkg/errors"
)

func main() {
	err := errors.Wrap(errors.New("DGD!"), "Hello,")
	fmt.Println(err.Error()[:len("Hello,")] + " " + errors.Cause(err).Error())
}
