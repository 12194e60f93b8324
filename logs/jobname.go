package logs

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// maxJobNameBytes bounds the name JobLogName makes before ".log", well
// under the 255 bytes most file systems allow in a name.
const maxJobNameBytes = 200

// JobLogName returns the file name, in <dir>/<machine>/, of the per-job log
// of job: the id itself followed by ".log" when it is a safe file name, as
// most ids are. Otherwise each byte that is not safe in a file name on Linux,
// macOS or Windows is written %XX (upper-case hex): '%' itself, '/', '\\',
// control characters, bytes that are not UTF-8, and the characters Windows
// refuses (< > : " | ? *). The ids "." and ".." become "%2E" and "%2E%2E", and
// a name Windows reserves for a device (CON, NUL, COM1...) gets its first
// letter encoded. Decoding the %XX reverses it, so two ids never share a
// name. A name longer than 200 bytes keeps its first bytes, then "%%" (which
// encoding never makes) and 32 hex digits of the id's SHA-256.
func JobLogName(job string) string {
	var b strings.Builder
	switch job {
	case ".", "..":
		b.WriteString(strings.Repeat("%2E", len(job)))
	default:
		for i := 0; i < len(job); {
			r, size := utf8.DecodeRuneInString(job[i:])
			switch {
			case i == 0 && reservedOnWindows(job):
				writeEscaped(&b, job[0])
			case r == utf8.RuneError && size <= 1, unsafeInName(r):
				for j := range size {
					writeEscaped(&b, job[i+j])
				}
			default:
				b.WriteString(job[i : i+size])
			}
			i += size
		}
	}
	name := b.String()
	if len(name) > maxJobNameBytes {
		cut := maxJobNameBytes - 2 - 32
		for cut > 0 && (name[cut-1] == '%' || (cut > 1 && name[cut-2] == '%')) {
			cut-- // never split an escape
		}
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut-- // nor a character
		}
		sum := sha256.Sum256([]byte(job))
		name = name[:cut] + "%%" + hex.EncodeToString(sum[:16])
	}
	return name + ".log"
}

func writeEscaped(b *strings.Builder, c byte) {
	const hexUpper = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hexUpper[c>>4])
	b.WriteByte(hexUpper[c&15])
}

// unsafeInName reports a character that some system refuses in a file name
// or that would break the encoding.
func unsafeInName(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || strings.ContainsRune(`%/\<>:"|?*`, r)
}

// reservedOnWindows reports an id whose name Windows takes for a device,
// with or without an extension: CON, PRN, AUX, NUL, COM1-9, LPT1-9.
func reservedOnWindows(job string) bool {
	base, _, _ := strings.Cut(job, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}
