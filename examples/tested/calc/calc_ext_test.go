package calc_test

import (
	"testing"

	"example.com/tested/report"
)

func TestGreeting(t *testing.T) {
	if got := report.Greeting("dgd"); got != "Hello, DGD!" {
		t.Fatalf("got %q", got)
	}
}
