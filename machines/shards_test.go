package machines

import (
	"strings"
	"testing"
)

func TestShards(t *testing.T) {
	list, err := Shards(3)
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, list, []machine{{"shard-0", "1", 1, 0}, {"shard-1", "1", 1, 0}, {"shard-2", "1", 1, 0}})
	for _, n := range []int{0, -1, MaxShards + 1} {
		if _, err := Shards(n); err == nil || !strings.Contains(err.Error(), "--shards") {
			t.Errorf("Shards(%d) error = %v, want one naming --shards", n, err)
		}
	}
	for _, m := range list {
		if err := CheckName(m.Name); err != nil {
			t.Errorf("shard name %q: %v", m.Name, err)
		}
	}
}
