package machines

import (
	"errors"
	"strings"
	"testing"
)

func TestSchedulerIndex(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		index   int
		source  string
		errWant string // substring of the error; "" for none
	}{
		{"none", nil, -1, "", ""},
		{"empty values are unset", map[string]string{"SLURM_ARRAY_TASK_ID": "", "SGE_TASK_ID": ""}, -1, "", ""},
		{"slurm as given", map[string]string{"SLURM_ARRAY_TASK_ID": "0"}, 0, "SLURM_ARRAY_TASK_ID=0", ""},
		{"slurm third", map[string]string{"SLURM_ARRAY_TASK_ID": "2"}, 2, "SLURM_ARRAY_TASK_ID=2", ""},
		{"pbs pro", map[string]string{"PBS_ARRAY_INDEX": "1"}, 1, "PBS_ARRAY_INDEX=1", ""},
		{"torque", map[string]string{"PBS_ARRAYID": "3"}, 3, "PBS_ARRAYID=3", ""},
		{"sge 1-based", map[string]string{"SGE_TASK_ID": "1"}, 0, "SGE_TASK_ID=1 (1-based)", ""},
		{"sge fourth", map[string]string{"SGE_TASK_ID": "4"}, 3, "SGE_TASK_ID=4 (1-based)", ""},
		{"sge not an array job", map[string]string{"SGE_TASK_ID": "undefined"}, -1, "", ""},
		{"lsf 1-based", map[string]string{"LSB_JOBINDEX": "2"}, 1, "LSB_JOBINDEX=2 (1-based)", ""},
		{"lsf not an array job", map[string]string{"LSB_JOBINDEX": "0"}, -1, "", ""},
		{"kubernetes 0-based", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, "JOB_COMPLETION_INDEX=0", ""},
		{"surrounding space", map[string]string{"SLURM_ARRAY_TASK_ID": " 5\n"}, 5, "SLURM_ARRAY_TASK_ID= 5\n", ""},
		{"malformed slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "abc"}, -1, "", `SLURM_ARRAY_TASK_ID is "abc": not an array index`},
		{"negative", map[string]string{"PBS_ARRAY_INDEX": "-1"}, -1, "", `PBS_ARRAY_INDEX is "-1": not an array index`},
		{"plus sign", map[string]string{"JOB_COMPLETION_INDEX": "+1"}, -1, "", `JOB_COMPLETION_INDEX is "+1"`},
		{"fraction", map[string]string{"SLURM_ARRAY_TASK_ID": "1.5"}, -1, "", "SLURM_ARRAY_TASK_ID"},
		{"overflow", map[string]string{"SLURM_ARRAY_TASK_ID": "99999999999999999999"}, -1, "", "SLURM_ARRAY_TASK_ID"},
		{"sge zero is below its first", map[string]string{"SGE_TASK_ID": "0"}, -1, "", "SGE counts array tasks from 1"},
		{"sge malformed", map[string]string{"SGE_TASK_ID": "1-3"}, -1, "", `SGE_TASK_ID is "1-3"`},
		{"lsf malformed", map[string]string{"LSB_JOBINDEX": "x"}, -1, "", "LSB_JOBINDEX"},
		{"two that agree", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SGE_TASK_ID": "3"}, 2, "SLURM_ARRAY_TASK_ID=2", ""},
		{"two that disagree", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "JOB_COMPLETION_INDEX": "0"}, -1, "",
			`JOB_COMPLETION_INDEX is "0": it picks another machine than SLURM_ARRAY_TASK_ID=2 does`},
		{"slurm wins the order", map[string]string{"PBS_ARRAYID": "1", "SLURM_ARRAY_TASK_ID": "1"}, 1, "SLURM_ARRAY_TASK_ID=1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			index, source, err := SchedulerIndex(func(k string) string { return tt.env[k] })
			if tt.errWant != "" {
				var ie *IndexError
				if err == nil || !strings.Contains(err.Error(), tt.errWant) || !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an *IndexError containing %q", err, tt.errWant)
				}
				if index != -1 {
					t.Errorf("index = %d with an error, want -1", index)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if index != tt.index || source != tt.source {
				t.Errorf("got (%d, %q), want (%d, %q)", index, source, tt.index, tt.source)
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"0", 0, true}, {"17", 17, true}, {"", 0, false}, {"-1", 0, false}, {"two", 0, false}} {
		got, err := ParseShard(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseShard(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--shard") {
			t.Errorf("ParseShard(%q) error %q does not name --shard", tt.in, err)
		}
	}
}

func TestCheckIndex(t *testing.T) {
	if err := CheckIndex(2, "SLURM_ARRAY_TASK_ID=2", 3); err != nil {
		t.Errorf("last machine: %v", err)
	}
	err := CheckIndex(3, "SGE_TASK_ID=4 (1-based)", 3)
	var re *RangeError
	if !errors.As(err, &re) || re.Count != 3 || !strings.Contains(err.Error(), "SGE_TASK_ID=4 (1-based) is past the last of the 3 machines") {
		t.Errorf("past the end: %v", err)
	}
}

// TestSchedulerIndexPicksIdentity checks the whole path: the index picks
// the machine in file order, and --machine and JOBSPLIT_MACHINE come first.
func TestSchedulerIndexPicksIdentity(t *testing.T) {
	list, err := Parse([]byte(`{"alpha": [1, 2], "beta": [1, 2], "gamma": [1, 2]}`), "machines.json")
	if err != nil {
		t.Fatal(err)
	}
	index, source, err := SchedulerIndex(func(k string) string {
		return map[string]string{"SGE_TASK_ID": "2"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		clues Clues
		want  string
	}{
		{Clues{Index: index, IndexSource: source}, "beta"},
		{Clues{Env: "gamma", Index: index, IndexSource: source}, "gamma"},
		{Clues{Flag: "alpha", Env: "gamma", Index: index, IndexSource: source}, "alpha"},
		{Clues{Index: index, IndexSource: source, Hostname: "gamma"}, "beta"},
	} {
		got, _, err := list.Identify(tt.clues)
		if err != nil || got != tt.want {
			t.Errorf("Identify(%+v) = %q, %v; want %q", tt.clues, got, err, tt.want)
		}
	}
}
