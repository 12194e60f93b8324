package machines

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseDevices(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		gpus      []string
		resources []Resource
	}{
		{"no devices", `{"a": {"perf": 1, "cores": 2}}`, nil, nil},
		{"gpu count", `{"a": {"perf": 1, "cores": 2, "gpus": 2}}`, []string{"0", "1"}, nil},
		{"gpu count written as float", `{"a": {"perf": 1, "cores": 2, "gpus": 3.0}}`, []string{"0", "1", "2"}, nil},
		{"zero gpus", `{"a": {"perf": 1, "cores": 2, "gpus": 0}}`, nil, nil},
		{"gpu ids keep their order", `{"a": {"perf": 1, "cores": 2, "gpus": ["3", "0", "2"]}}`, []string{"3", "0", "2"}, nil},
		{"resources sorted by name", `{"a": {"perf": 1, "cores": 2, "resources": {"license": 2, "drive": ["st0", "st1"]}}}`,
			nil, []Resource{{Name: "drive", Count: 2, IDs: []string{"st0", "st1"}}, {Name: "license", Count: 2}}},
		{"both", `{"a": {"perf": 1, "cores": 2, "gpus": 1, "resources": {"license": 1}}}`, []string{"0"}, []Resource{{Name: "license", Count: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := Parse([]byte(tt.in), "machines.json")
			if err != nil {
				t.Fatal(err)
			}
			m := list[0]
			if !slices.Equal(m.GPUs, tt.gpus) {
				t.Errorf("gpus = %q, want %q", m.GPUs, tt.gpus)
			}
			if len(m.Resources) != len(tt.resources) {
				t.Fatalf("resources = %+v, want %+v", m.Resources, tt.resources)
			}
			for i, r := range tt.resources {
				g := m.Resources[i]
				if g.Name != r.Name || g.Count != r.Count || !slices.Equal(g.IDs, r.IDs) {
					t.Errorf("resource %d = %+v, want %+v", i, g, r)
				}
			}
			if m.HasDevices() != (tt.gpus != nil || tt.resources != nil) {
				t.Errorf("HasDevices = %v", m.HasDevices())
			}
		})
	}
}

func TestParseDevicesErrors(t *testing.T) {
	const prefix = `machines.json: machine "a": `
	tests := []struct{ name, in, want string }{
		{"negative gpus", `{"a": {"perf": 1, "cores": 2, "gpus": -1}}`, `gpus must be a whole number from 0 to 65536 or a list of device ids, got -1`},
		{"fractional gpus", `{"a": {"perf": 1, "cores": 2, "gpus": 1.5}}`, `gpus must be a whole number from 0 to 65536 or a list of device ids, got 1.5`},
		{"gpus as string", `{"a": {"perf": 1, "cores": 2, "gpus": "2"}}`, `gpus must be a whole number from 0 to 65536 or a list of device ids, got "2"`},
		{"gpu id twice", `{"a": {"perf": 1, "cores": 2, "gpus": ["0", "1", "0"]}}`, `gpus: device id "0" is listed twice`},
		{"gpu id a number", `{"a": {"perf": 1, "cores": 2, "gpus": [0, 1]}}`, `gpus: device ids must be strings such as "0", got 0`},
		{"gpu id with comma", `{"a": {"perf": 1, "cores": 2, "gpus": ["0,1"]}}`, `gpus: device id "0,1": must not contain commas or white space`},
		{"gpu id empty", `{"a": {"perf": 1, "cores": 2, "gpus": [""]}}`, `gpus: device id "": empty`},
		{"resources not an object", `{"a": {"perf": 1, "cores": 2, "resources": 2}}`, `resources must be an object such as {"license": 2}, got 2`},
		{"negative resource", `{"a": {"perf": 1, "cores": 2, "resources": {"license": -2}}}`, `resource "license" must be a whole number from 0 to 65536 or a list of device ids, got -2`},
		{"fractional resource", `{"a": {"perf": 1, "cores": 2, "resources": {"license": 0.5}}}`, `resource "license" must be a whole number from 0 to 65536 or a list of device ids, got 0.5`},
		{"resource id twice", `{"a": {"perf": 1, "cores": 2, "resources": {"drive": ["st0", "st0"]}}}`, `resource "drive": device id "st0" is listed twice`},
		{"resource given twice", `{"a": {"perf": 1, "cores": 2, "resources": {"license": 1, "license": 2}}}`, `resources: "license" is given twice`},
		{"bad resource name", `{"a": {"perf": 1, "cores": 2, "resources": {"floating licence": 1}}}`, `resources: resource name "floating licence": want letters, digits, - and _, starting with a letter`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), "machines.json")
			if err == nil || err.Error() != prefix+tt.want {
				t.Errorf("Parse error = %v\nwant %s%s", err, prefix, tt.want)
			}
		})
	}
}

func TestUpdateGPUs(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"new machine", `{"a": [1, 2]}`, `{"a": [1, 2],"box": {"perf": 1.5, "cores": 8, "gpus": 2}}`},
		{"pair becomes an object", `{"box": [1, 2]}`, `{"box": {"perf": 1.5, "cores": 8, "gpus": 2}}`},
		{"object gains gpus", `{"box": {"perf": 1, "cores": 2, "memory": "16GiB" }}`, `{"box": {"perf": 1.5, "cores": 8, "memory": "16GiB", "gpus": 2 }}`},
		{"gpu count replaced", `{"box": {"gpus": 1, "perf": 1, "cores": 2}}`, `{"box": {"gpus": 2, "perf": 1.5, "cores": 8}}`},
		{"gpu ids kept", `{"box": {"perf": 1, "cores": 2, "gpus": ["1", "3"]}}`, `{"box": {"perf": 1.5, "cores": 8, "gpus": ["1", "3"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Update([]byte(tt.in), "machines.json", Entry{Name: "box", Perf: 1.5, Cores: 8, GPUs: 2})
			if err != nil || string(out) != tt.want {
				t.Errorf("Update = %s, %v\nwant %s", out, err, tt.want)
			}
		})
	}
}

func TestCountGPUsDeviceFiles(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no vendor tool
	dev := t.TempDir()
	if got := CountGPUs(context.Background(), dev); got.GPUs != 0 || got.Source != "" {
		t.Errorf("no devices: %+v", got)
	}
	for _, name := range []string{"dri", "dri/renderD128", "dri/renderD129", "nvidia0", "nvidia1", "nvidia2", "nvidiactl"} {
		path := filepath.Join(dev, name)
		if filepath.Ext(name) == "" && name == "dri" {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := CountGPUs(context.Background(), dev); got.GPUs != 3 || got.Source != "/dev/nvidia[0-9]*" {
		t.Errorf("NVIDIA device files: %+v, want 3 from /dev/nvidia[0-9]*", got)
	}
}
