// Package plural writes counts as people read them: "1 job", "3 jobs".
package plural

import "strconv"

// Of says "1 noun" or "n nouns".
func Of(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
