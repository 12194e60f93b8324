package oserr

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

func TestBare(t *testing.T) {
	_, err := os.Open("/no/such/file")
	bare := Bare(err)
	if bare.Error() != "no such file or directory" || !errors.Is(bare, fs.ErrNotExist) {
		t.Errorf("Bare = %q", bare)
	}
	other := errors.New("x")
	if Bare(other) != other {
		t.Error("Bare changed an error that is no *PathError")
	}
}
