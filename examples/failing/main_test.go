package main

import "testing"

func TestGreeting(t *testing.T) {
	if greeting() != "Hello, DGD!" {
		t.Fatal("wrong greeting")
	}
}

func TestBroken(t *testing.T) {
	t.Fatalf("this test fails on purpose: %d != %d", 1+1, 3)
}
