package machines

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// GPUCount is how many GPUs this host has and how jobsplit found out.
type GPUCount struct {
	GPUs int
	// Source is the tool or device files that told: "nvidia-smi -L",
	// "rocm-smi", "/dev/nvidia*", "/dev/dri/renderD*", or "" for none.
	Source string
}

// gpuProbeTimeout bounds a vendor tool that hangs on a wedged driver.
const gpuProbeTimeout = 10 * time.Second

// nvidiaLine and rocmLine match one GPU in the tools' listings:
// "GPU 0: NVIDIA A100 (UUID: ...)" and "GPU[0]		: Device ID: 0x740f".
var (
	nvidiaLine = regexp.MustCompile(`(?m)^GPU (\d+):`)
	rocmLine   = regexp.MustCompile(`(?m)^GPU\[(\d+)\]`)
)

// CountGPUs finds this host's GPUs: nvidia-smi -L or rocm-smi when on
// PATH (a tool that runs and lists none means none: the device files are
// then not asked), else the NVIDIA device files, else the render nodes of
// /dev/dri. devDir is "/dev" except in tests.
func CountGPUs(ctx context.Context, devDir string) GPUCount {
	ctx, cancel := context.WithTimeout(ctx, gpuProbeTimeout)
	defer cancel()
	for _, tool := range []struct {
		name string
		args []string
		line *regexp.Regexp
	}{
		{"nvidia-smi", []string{"-L"}, nvidiaLine},
		{"rocm-smi", []string{"--showid"}, rocmLine},
	} {
		path, err := exec.LookPath(tool.name)
		if err != nil {
			continue
		}
		out, err := exec.CommandContext(ctx, path, tool.args...).Output()
		if err != nil {
			continue
		}
		ids := map[string]bool{}
		for _, m := range tool.line.FindAllStringSubmatch(string(out), -1) {
			ids[m[1]] = true
		}
		return GPUCount{GPUs: len(ids), Source: strings.TrimSpace(tool.name + " " + strings.Join(tool.args, " "))}
	}
	for _, pattern := range []string{"nvidia[0-9]*", "dri/renderD*"} {
		files, _ := filepath.Glob(filepath.Join(devDir, pattern))
		if len(files) > 0 {
			return GPUCount{GPUs: len(files), Source: "/dev/" + pattern}
		}
	}
	return GPUCount{}
}
