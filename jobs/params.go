package jobs

import (
	"fmt"
	"slices"

	"github.com/jobsplit/jobsplit/jobs/pool"
)

// Param is one [params] entry as text.
type Param struct {
	Name  string
	Value string
}

// ParamList returns the config's [params] as text, sorted by name: the
// canonical order for the digest, templates and environment.
func (c *Config) ParamList() ([]Param, error) {
	list := make([]Param, 0, len(c.Params))
	for name, v := range c.Params {
		if err := pool.CheckParamName("key", name); err != nil {
			return nil, fmt.Errorf("[params] %v", err)
		}
		text, err := pool.FormatValue(v)
		if err != nil {
			return nil, fmt.Errorf("[params] %s: %v", name, err)
		}
		list = append(list, Param{name, text})
	}
	slices.SortFunc(list, func(a, b Param) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return list, nil
}
