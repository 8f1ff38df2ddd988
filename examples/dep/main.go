// Command dep prints a greeting using two third-party modules.
package main

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/mattn/go-runewidth"
)

func main() {
	msg := "Hello, DGD!"
	// uuid: a fixed, name-based UUID checks the module works without printing randomness
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(msg))
	if id.Version() != 5 {
		panic("unexpected uuid version")
	}
	fmt.Println(strings.TrimSpace(runewidth.FillRight(msg, runewidth.StringWidth(msg))))
}
