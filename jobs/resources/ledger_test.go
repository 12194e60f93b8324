package resources

import (
	"slices"
	"testing"

	"github.com/jobsplit/jobsplit/machines"
)

// TestLedgerDevices walks one machine through a sequence of acquires and
// releases and checks every device handed out.
func TestLedgerDevices(t *testing.T) {
	c := Capacity{Cores: 8, GPUs: []string{"0", "2", "3"}, Resources: []machines.Resource{
		{Name: "license", Count: 2}, {Name: "tape", Count: 2, IDs: []string{"st0", "st1"}},
	}}
	l := NewLedger(c)
	type step struct {
		needs Needs
		gpus  string // "" and ok false: refused
		ok    bool
	}
	var grants []Grant
	for i, s := range []step{
		{Needs{Cores: 1, GPUs: 250}, "0", true},
		{Needs{Cores: 1, GPUs: 500}, "0", true}, // packs onto the used device
		{Needs{Cores: 1, GPUs: 500}, "2", true}, // 0.25 left on 0: the next device
		{Needs{Cores: 1, GPUs: 1000}, "3", true},
		{Needs{Cores: 1, GPUs: 1000}, "", false}, // no whole device left
		{Needs{Cores: 1, GPUs: 250}, "0", true},
		{Needs{Cores: 1, GPUs: 500}, "2", true},
		{Needs{Cores: 1, GPUs: 250}, "", false},                           // every device full
		{Needs{Cores: 3, Resources: []Amount{{"license", 2}}}, "", false}, // 2 cores left
		{Needs{Cores: 1, Resources: []Amount{{"license", 2}}}, "", true},
		{Needs{Cores: 1, Resources: []Amount{{"license", 1}}}, "", false},
	} {
		g, ok := l.Acquire(s.needs)
		if ok != s.ok || g.GPUList() != s.gpus {
			t.Fatalf("step %d: Acquire(%s) = %q, %v; want %q, %v", i, s.needs, g.GPUList(), ok, s.gpus, s.ok)
		}
		if ok {
			grants = append(grants, g)
		}
	}
	for _, g := range grants {
		l.Release(g)
	}
	if cores, free, _ := l.Free(); cores != 8 || !slices.Equal(free, []int{1000, 1000, 1000}) || !l.Idle() {
		t.Fatalf("after releasing all: %d cores, devices %v, idle %v", cores, free, l.Idle())
	}
	g, ok := l.Acquire(Needs{Cores: 1, GPUs: 2000, Resources: []Amount{{"tape", 1}}})
	if !ok || g.GPUList() != "0,2" || g.Resources[0].IDs[0] != "st0" {
		t.Fatalf("two whole GPUs and a tape: %+v %v", g, ok)
	}
	g2, ok := l.Acquire(Needs{Cores: 1, Resources: []Amount{{"tape", 1}}})
	if !ok || !slices.Equal(g2.Resources[0].IDs, []string{"st1"}) {
		t.Fatalf("second tape: %+v %v", g2, ok)
	}
}

// TestLedgerIdle checks what an idle machine starts regardless: a job
// wider than -j allows, or one that wants more memory than is free.
func TestLedgerIdle(t *testing.T) {
	l := NewLedger(Capacity{Cores: 2, Memory: 4})
	g, ok := l.Acquire(Needs{Cores: 8, Memory: 6})
	if !ok || g.Cores != 2 {
		t.Fatalf("idle machine refused a wide job: %+v %v", g, ok)
	}
	if _, ok := l.Acquire(Needs{Cores: 1}); ok {
		t.Fatal("a job started beside one holding every core")
	}
	l.Release(g)
	a, _ := l.Acquire(Needs{Cores: 1, Memory: 3})
	if _, ok := l.Acquire(Needs{Cores: 1, Memory: 2}); ok {
		t.Fatal("memory over-committed while a job runs")
	}
	l.Release(a)
}

func TestGrantEnv(t *testing.T) {
	l := NewLedger(Capacity{Cores: 8, GPUs: []string{"0", "2"}, Resources: []machines.Resource{
		{Name: "license", Count: 2}, {Name: "tape-drive", Count: 1, IDs: []string{"st0"}},
	}})
	g, _ := l.Acquire(Needs{Cores: 4, GPUs: 2000, Resources: []Amount{{"license", 1}, {"tape-drive", 1}}})
	want := []string{"JOBSPLIT_CORES=4", "OMP_NUM_THREADS=4", "JOBSPLIT_GPUS=0,2", "CUDA_VISIBLE_DEVICES=0,2",
		"HIP_VISIBLE_DEVICES=0,2", "JOBSPLIT_RESOURCE_LICENSE=1", "JOBSPLIT_RESOURCE_TAPE_DRIVE=st0"}
	if got := g.Env(nil); !slices.Equal(got, want) {
		t.Errorf("Env = %q\nwant %q", got, want)
	}
	if got := g.Env([]string{"OMP_NUM_THREADS=1"}); slices.Contains(got, "OMP_NUM_THREADS=4") {
		t.Errorf("Env overrides the user's OMP_NUM_THREADS: %q", got)
	}
	cpu, _ := l.Acquire(Needs{Cores: 1})
	if got := cpu.Env(nil); !slices.Contains(got, "CUDA_VISIBLE_DEVICES=") {
		t.Errorf("a CPU job on a GPU machine may see the GPUs: %q", got)
	}
	if p := g.Placeholders(); p["gpu_ids"] != "0,2" || p["cores"] != "4" {
		t.Errorf("Placeholders = %v", p)
	}
	plain, _ := NewLedger(Capacity{Cores: 2}).Acquire(Default())
	if got := plain.Env(nil); !slices.Equal(got, []string{"JOBSPLIT_CORES=1", "OMP_NUM_THREADS=1"}) {
		t.Errorf("Env on a machine without GPUs = %q", got)
	}
}
