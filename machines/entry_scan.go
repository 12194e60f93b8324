package machines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// document is machines.json as byte positions, so that an update can
// change a few numbers and keep everything else as the user wrote it.
type document struct {
	open    int // the opening brace
	entries []entrySpan
}

// entrySpan is where one machine sits in the file.
type entrySpan struct {
	name string
	// after is the end of what precedes the entry: the opening brace or
	// the previous value.
	after int
	// key is the key's opening quote; value..end is the value.
	key, value, end int
}

// scanDocument finds the entries of a machines.json object.
func scanDocument(data []byte) (document, error) {
	var doc document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return doc, errors.New("not a JSON object of machines")
	}
	doc.open = int(dec.InputOffset()) - 1
	after := doc.open + 1
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return doc, err
		}
		name, _ := tok.(string)
		key := bytes.IndexByte(data[after:], '"')
		if key < 0 {
			return doc, errors.New("cannot find a machine's name")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return doc, err
		}
		end := int(dec.InputOffset())
		doc.entries = append(doc.entries, entrySpan{name: name, after: after, key: after + key, value: end - len(raw), end: end})
		after = end
	}
	return doc, nil
}

func (d document) find(name string) int {
	for i, e := range d.entries {
		if e.name == name {
			return i
		}
	}
	return -1
}

// appendEntry adds e after the last entry, indented like it, or as the
// only entry of an empty object.
func (d document) appendEntry(data []byte, e Entry) []byte {
	var out []byte
	if len(d.entries) == 0 {
		out = append(out, data[:d.open+1]...)
		out = append(out, "\n  "+e.String()+"\n"...)
		rest := bytes.TrimLeft(data[d.open+1:], " \t\r\n")
		return append(out, rest...)
	}
	last := d.entries[len(d.entries)-1]
	// The new entry is spaced like the last: "\n  " or " " before its key.
	indent := afterComma(data[last.after:last.key])
	out = append(out, data[:last.end]...)
	out = append(out, ',')
	out = append(out, indent...)
	out = append(out, e.String()...)
	return append(out, data[last.end:]...)
}

// afterComma is the white space before a key: what follows the comma, or
// for the first key what follows the brace.
func afterComma(between []byte) []byte {
	if i := bytes.LastIndexByte(between, ','); i >= 0 {
		return between[i+1:]
	}
	return between
}

// replaceNumbers writes e's perf and cores over the numbers of the entry,
// in either form, keeping everything around them.
func replaceNumbers(data []byte, span entrySpan, e Entry) ([]byte, error) {
	value := data[span.value:span.end]
	perf, cores, err := numberSpans(value)
	if err != nil {
		return nil, err
	}
	var out []byte
	out = append(out, data[:span.value]...)
	first, second := perf, cores
	firstText, secondText := FormatPerf(e.Perf), strconv.Itoa(e.Cores)
	if cores[0] < perf[0] {
		first, second = cores, perf
		firstText, secondText = secondText, firstText
	}
	out = append(out, value[:first[0]]...)
	out = append(out, firstText...)
	out = append(out, value[first[1]:second[0]]...)
	out = append(out, secondText...)
	out = append(out, value[second[1]:]...)
	return append(out, data[span.end:]...), nil
}

// numberSpans finds the byte ranges of perf and cores in an entry's value:
// [perf, cores] or {"perf": p, "cores": c, ...}.
func numberSpans(value []byte) (perf, cores [2]int, err error) {
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	open, err := dec.Token()
	if err != nil {
		return perf, cores, err
	}
	number := func() ([2]int, error) {
		tok, err := dec.Token()
		n, ok := tok.(json.Number)
		if err != nil || !ok {
			return [2]int{}, fmt.Errorf("want a number, got %v", tok)
		}
		end := int(dec.InputOffset())
		return [2]int{end - len(n), end}, nil
	}
	if open == json.Delim('[') {
		if perf, err = number(); err == nil {
			cores, err = number()
		}
		return perf, cores, err
	}
	found := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return perf, cores, err
		}
		switch key {
		case "perf":
			perf, err = number()
			found++
		case "cores":
			cores, err = number()
			found++
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return perf, cores, err
		}
	}
	if found != 2 {
		return perf, cores, errors.New(`want both "perf" and "cores"`)
	}
	return perf, cores, nil
}

// setGPUs writes e.GPUs into e's entry of data: over a "gpus" count,
// before the closing brace of an object without one, or as the object
// form in place of a pair. A list of ids is the user's own and stays.
func setGPUs(data []byte, e Entry) ([]byte, error) {
	doc, err := scanDocument(data)
	if err != nil {
		return nil, err
	}
	span := doc.entries[doc.find(e.Name)]
	value := data[span.value:span.end]
	splice := func(from, to int, text string) []byte {
		out := append([]byte(nil), data[:from]...)
		out = append(out, text...)
		return append(out, data[to:]...)
	}
	if value[0] == '[' {
		return splice(span.value, span.end, e.value()), nil
	}
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	dec.Token() // {
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if key != "gpus" {
			continue
		}
		if bytes.HasPrefix(raw, []byte("[")) {
			return data, nil
		}
		end := span.value + int(dec.InputOffset())
		return splice(end-len(raw), end, strconv.Itoa(e.GPUs)), nil
	}
	// No gpus key: add one after the last value.
	last := span.value + len(bytes.TrimRight(value[:len(value)-1], " \t\r\n"))
	return splice(last, last, fmt.Sprintf(`, "gpus": %d`, e.GPUs)), nil
}
