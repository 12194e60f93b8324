package machines

import (
	"fmt"
	"math/big"
	"strconv"
)

// MaxShards bounds --shards: each shard is a results file and a log.
const MaxShards = 100000

// ShardName is the name of shard i.
func ShardName(i int) string { return "shard-" + strconv.Itoa(i) }

// Shards is n equal machines named shard-0 ... shard-(n-1), for a sweep
// without a machines.json. Each has perf 1 and 1 core: the shares come out
// equal whatever the cores, and keeping the weight fixed keeps the digest
// the same on every host whatever -j it runs with.
func Shards(n int) (List, error) {
	if n < 1 || n > MaxShards {
		return nil, fmt.Errorf("--shards must be from 1 to %d, got %d", MaxShards, n)
	}
	list := make(List, n)
	for i := range list {
		list[i] = Machine{Name: ShardName(i), Perf: big.NewRat(1, 1), Cores: 1}
	}
	return list, nil
}
