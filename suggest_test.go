package main

import "testing"

func TestClosest(t *testing.T) {
	commands := []string{"init", "plan", "run", "collect-results", "status", "merge-logs"}
	tests := []struct {
		word    string
		choices []string
		want    string
	}{
		{"rnu", commands, "run"},
		{"collect-result", commands, "collect-results"},
		{"merge-log", commands, "merge-logs"},
		{"plna", commands, "plan"},
		{"deploy", commands, ""},
		{"x", commands, ""},
		{"alpah", []string{"alpha", "beta", "gamma"}, "alpha"},
		{"GAMMA", []string{"alpha", "beta", "gamma"}, "gamma"},
		{"delta", []string{"alpha", "beta", "gamma"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := closest(tt.word, tt.choices); got != tt.want {
				t.Errorf("closest(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"abc", "", 3},
		{"kitten", "sitting", 3}, {"rnu", "run", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
