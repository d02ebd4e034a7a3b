package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Error is a mistake in the user's input: where it is, the field path
// (spec.steps[2].after, spec.template.spec.containers[0].image) and what is
// wrong. It prints as "file:line:col: path: message".
type Error struct {
	Pos  Pos
	Path string
	Msg  string
}

// Error prints file:line:col: path: message.
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Path + ": " + e.Msg
}

// Limits that keep hostile input (alias bombs, deep nesting) cheap.
const (
	maxNodes = 1 << 17
	maxDepth = 200
)

var (
	nodeType     = reflect.TypeFor[yaml.Node]()
	nodePtrType  = reflect.TypeFor[*yaml.Node]()
	unmarshaler  = reflect.TypeFor[yaml.Unmarshaler]()
	customDecode = reflect.TypeFor[nodeDecoder]()
)

// nodeDecoder is implemented by the scenario's own types whose YAML has more
// than one shape (a duration as "2s" or 2, a target as "all" or a mapping).
type nodeDecoder interface {
	decodeYAML(d *decoder, n *yaml.Node, path string) error
}

// unknownField is a key a manifest holds that the api types do not model.
type unknownField struct {
	Path string
	Pos  Pos
	// Near is the known key of the same mapping that the key is likely a
	// slip for, one edit away ("" when none is): a Kubernetes field stsim
	// does not model is not called a typo lightly.
	Near string
}

// decoder decodes yaml.Node trees into Go values following their yaml tags.
type decoder struct {
	// file names the document's file in positions.
	file string
	// files names another file for nodes that came from it (the scenario's
	// merge patch inside a manifest file).
	files map[*yaml.Node]string
	// lenient collects unknown keys in unknown instead of failing.
	lenient bool
	unknown []unknownField
	// budget counts the nodes left to visit; aliases may make a small
	// document expand to a huge one.
	budget int
	depth  int
	active map[*yaml.Node]bool
}

func newDecoder(file string, lenient bool) *decoder {
	return &decoder{file: file, lenient: lenient, budget: maxNodes, active: map[*yaml.Node]bool{}}
}

func (d *decoder) pos(n *yaml.Node) Pos {
	f := d.file
	if o, ok := d.files[n]; ok {
		f = o
	}
	line, col := n.Line, n.Column
	if line == 0 {
		line, col = 1, 1
	}
	return Pos{File: f, Line: line, Col: col}
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) *Error {
	return &Error{Pos: d.pos(n), Path: shortPath(path), Msg: fmt.Sprintf(format, args...)}
}

// maxPath is how long a field path in a message may be; a longer one (of a
// deeply nested document) keeps its start and its end.
const maxPath = 120

func shortPath(path string) string {
	if len(path) <= maxPath {
		return path
	}
	head, tail := 40, len(path)-70
	for head > 0 && !utf8.RuneStart(path[head]) {
		head--
	}
	for tail < len(path) && !utf8.RuneStart(path[tail]) {
		tail++
	}
	return path[:head] + "…" + path[tail:]
}

// resolve follows aliases and document nodes to the node that holds a value.
func (d *decoder) resolve(n *yaml.Node, path string) (*yaml.Node, error) {
	for i := 0; ; i++ {
		switch {
		case i > maxDepth:
			return nil, d.errorf(n, path, "too many nested aliases")
		case n.Kind == yaml.AliasNode && n.Alias == nil:
			return nil, d.errorf(n, path, "unknown alias *%s", n.Value)
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		default:
			return n, nil
		}
	}
}

// enter accounts for one more node on the decoding path; leave undoes it.
func (d *decoder) enter(n *yaml.Node, path string) error {
	d.budget--
	switch {
	case d.budget < 0:
		return d.errorf(n, path, "document too large once its aliases are expanded (more than %d values)", maxNodes)
	case d.depth >= maxDepth:
		return d.errorf(n, path, "nested too deeply")
	case d.active[n]:
		return d.errorf(n, path, "an alias refers to a node that contains it")
	}
	d.depth++
	d.active[n] = true
	return nil
}

func (d *decoder) leave(n *yaml.Node) {
	d.depth--
	delete(d.active, n)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || n.Kind == yaml.DocumentNode && len(n.Content) == 0 ||
		n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a value in a type error: a quoted string, a bare number, or
// "a mapping" / "a list". A long value is cut (its length is given), and
// anything but a plain number, boolean or null is quoted, so a message
// never carries control characters or a whole hostile document.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return describeScalar(n)
	}
	return "nothing"
}

// maxDescribed is how many bytes of a value an error message quotes.
const maxDescribed = 80

func describeScalar(n *yaml.Node) string {
	v := n.Value
	cut := ""
	if len(v) > maxDescribed {
		i := maxDescribed
		for i > 0 && !utf8.RuneStart(v[i]) {
			i--
		}
		v, cut = v[:i], fmt.Sprintf("… (%d bytes)", len(n.Value))
	}
	switch n.ShortTag() {
	case "!!int", "!!float", "!!bool", "!!null":
		if cut == "" && isPlainASCII(v) {
			return v
		}
	}
	return strconv.Quote(v) + cut
}

// isPlainASCII reports whether s is printable ASCII without spaces.
func isPlainASCII(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// decode decodes n into out (a settable value) following yaml tags. A null
// leaves the zero value.
func (d *decoder) decode(n *yaml.Node, out reflect.Value, path string) error {
	alias := n
	n, err := d.resolve(n, path)
	if err != nil {
		return err
	}
	if err := d.enter(n, path); err != nil {
		return err
	}
	defer d.leave(n)
	err = d.decodeValue(n, out, path)
	// A value that is wrong where an alias brings it is reported at the
	// alias, which is where the mistake is.
	var e *Error
	if alias.Kind == yaml.AliasNode && errors.As(err, &e) && e.Pos == d.pos(n) {
		e.Pos = d.pos(alias)
		e.Msg += fmt.Sprintf(" (through the alias *%s)", alias.Value)
	}
	return err
}

// decodeValue decodes the resolved node n, which decode has entered.
func (d *decoder) decodeValue(n *yaml.Node, out reflect.Value, path string) error {
	t := out.Type()
	switch {
	case t == nodePtrType:
		if !isNull(n) {
			out.Set(reflect.ValueOf(n))
		}
		return nil
	case t == nodeType:
		out.Set(reflect.ValueOf(*n))
		return nil
	case isNull(n):
		out.SetZero()
		return nil
	case reflect.PointerTo(t).Implements(customDecode):
		return out.Addr().Interface().(nodeDecoder).decodeYAML(d, n, path)
	case reflect.PointerTo(t).Implements(unmarshaler):
		if err := out.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
			return d.errorf(n, path, "%s", err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		v := reflect.New(t.Elem())
		if err := d.decodeValue(n, v.Elem(), path); err != nil {
			return err
		}
		out.Set(v)
		return nil
	case reflect.Struct:
		return d.decodeStruct(n, out, path)
	case reflect.Map:
		return d.decodeMap(n, out, path)
	case reflect.Slice:
		return d.decodeSlice(n, out, path)
	}
	return d.decodeScalar(n, out, path)
}

func (d *decoder) decodeScalar(n *yaml.Node, out reflect.Value, path string) error {
	t := out.Type()
	want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "true or false",
		reflect.Float32: "a number", reflect.Float64: "a number"}[t.Kind()]
	if want == "" {
		want = "an integer"
	}
	if n.Kind != yaml.ScalarNode {
		return d.errorf(n, path, "want %s, got %s", want, describe(n))
	}
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		if tag == "!!int" || tag == "!!float" || tag == "!!bool" {
			return d.errorf(n, path, "want a string, got %s (quote it)", describe(n))
		}
		out.SetString(n.Value)
		return nil
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if tag != "!!bool" || err != nil {
			return d.errorf(n, path, "want true or false, got %s", describe(n))
		}
		out.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		isInt := isIntLiteral(n)
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, t.Bits())
		if isInt && errors.Is(err, strconv.ErrRange) {
			lo, hi := int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1
			return d.errorf(n, path, "out of range: want an integer from %d to %d, got %s", lo, hi, describe(n))
		}
		if !isInt || err != nil {
			return d.errorf(n, path, "want an integer, got %s", describe(n))
		}
		out.SetInt(i)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		isInt := isIntLiteral(n)
		u, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, t.Bits())
		if isInt && errors.Is(err, strconv.ErrRange) {
			return d.errorf(n, path, "out of range: want an integer from 0 to %d, got %s", ^uint64(0)>>(64-t.Bits()), describe(n))
		}
		if !isInt || err != nil {
			return d.errorf(n, path, "want a non-negative integer, got %s", describe(n))
		}
		out.SetUint(u)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, t.Bits())
		if (tag != "!!int" && tag != "!!float") || err != nil {
			return d.errorf(n, path, "want a number, got %s", describe(n))
		}
		out.SetFloat(f)
		return nil
	}
	return d.errorf(n, path, "internal error: cannot decode into %s", t)
}

// intLiteral is YAML's integer syntax: decimal, 0x, 0o, 0b or a leading 0,
// with an optional sign and "_" separators.
var intLiteral = regexp.MustCompile(`^[-+]?(?:[0-9][0-9_]*|0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+)$`)

// isIntLiteral reports whether n is written as an integer. yaml.v3 tags an
// integer too large for int64 as a float (or, in hex, a string); it is
// still an integer, one that is out of range.
func isIntLiteral(n *yaml.Node) bool {
	switch n.ShortTag() {
	case "!!int":
		return true
	case "!!float", "!!str":
		return n.Style&(yaml.TaggedStyle|yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
			intLiteral.MatchString(n.Value)
	}
	return false
}

func (d *decoder) decodeSlice(n *yaml.Node, out reflect.Value, path string) error {
	if n.Kind != yaml.SequenceNode {
		return d.errorf(n, path, "want a list, got %s", describe(n))
	}
	s := reflect.MakeSlice(out.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		if err := d.decode(c, s.Index(i), indexPath(path, i)); err != nil {
			return err
		}
	}
	out.Set(s)
	return nil
}

func (d *decoder) decodeMap(n *yaml.Node, out reflect.Value, path string) error {
	t := out.Type()
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping, got %s", describe(n))
	}
	if t.Key().Kind() != reflect.String {
		return d.errorf(n, path, "internal error: cannot decode into %s", t)
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	m := reflect.MakeMapWithSize(t, len(pairs))
	for _, p := range pairs {
		v := reflect.New(t.Elem()).Elem()
		if err := d.decode(p.value, v, path+"["+p.key+"]"); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(p.key).Convert(t.Key()), v)
	}
	out.Set(m)
	return nil
}

// field is one decodable struct field: its YAML key and index path (through
// inline embedded structs).
type field struct {
	key   string
	index []int
	// validatedOnly marks a field tagged `stsim:"validated"`: decoded and
	// validated as the API server does, but without effect in the
	// simulation, so a manifest that sets it hears so (as of a field stsim
	// does not decode).
	validatedOnly bool
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the keys of a struct type in declaration order, expanding
// ",inline" structs and skipping "-" and unexported fields. A field without a
// tag has its name lower-cased as key, as yaml.v3 does.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") && sf.Type.Kind() == reflect.Struct {
			for _, f := range fieldsOf(sf.Type) {
				out = append(out, field{key: f.key, index: append([]int{i}, f.index...)})
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out = append(out, field{key: name, index: []int{i}, validatedOnly: sf.Tag.Get("stsim") == "validated"})
	}
	fieldCache.Store(t, out)
	return out
}

// keysOf lists the keys of a struct type for an "expected one of" message.
func keysOf(t reflect.Type) string {
	var keys []string
	for _, f := range fieldsOf(t) {
		keys = append(keys, f.key)
	}
	return strings.Join(keys, ", ")
}

func (d *decoder) decodeStruct(n *yaml.Node, out reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping, got %s", describe(n))
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	fields := fieldsOf(out.Type())
next:
	for _, p := range pairs {
		for _, f := range fields {
			if f.key == p.key {
				if err := d.decode(p.value, out.FieldByIndex(f.index), joinPath(path, p.key)); err != nil {
					return err
				}
				if f.validatedOnly && d.lenient {
					d.unknown = append(d.unknown, unknownField{Path: joinPath(path, p.key), Pos: d.pos(p.keyNode)})
				}
				continue next
			}
		}
		if d.lenient {
			d.unknown = append(d.unknown, unknownField{Path: joinPath(path, p.key), Pos: d.pos(p.keyNode),
				Near: nearest(p.key, strings.Split(keysOf(out.Type()), ", "), 1)})
			continue
		}
		return d.errorf(p.keyNode, joinPath(path, p.key), "%s", unknownKey(p.key, "one of "+keysOf(out.Type()), strings.Split(keysOf(out.Type()), ", ")))
	}
	return nil
}

// pair is one key and value of a mapping.
type pair struct {
	key     string
	keyNode *yaml.Node
	value   *yaml.Node
}

// pairs lists a mapping's entries in order, with the entries of merge keys
// ("<<: *base") after them unless a key is already set. A key written twice
// is an error, as in kubectl.
func (d *decoder) pairs(n *yaml.Node, path string) ([]pair, error) {
	var out, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := d.resolve(n.Content[i], path)
		if err != nil {
			return nil, err
		}
		v := n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			m, err := d.mergePairs(v, path)
			if err != nil {
				return nil, err
			}
			merged = append(merged, m...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, d.errorf(k, path, "want a string key, got %s", describe(k))
		}
		if first := seen[k.Value]; first != nil {
			return nil, d.errorf(k, joinPath(path, k.Value), "key written twice (first at line %d, column %d)", first.Line, first.Column)
		}
		seen[k.Value] = k
		out = append(out, pair{key: k.Value, keyNode: k, value: v})
	}
	for _, p := range merged {
		if seen[p.key] == nil {
			seen[p.key] = p.keyNode
			out = append(out, p)
		}
	}
	return out, nil
}

// mergePairs lists the entries a merge key's value brings: one mapping or a
// list of them, the first one winning.
func (d *decoder) mergePairs(v *yaml.Node, path string) ([]pair, error) {
	v, err := d.resolve(v, path)
	if err != nil {
		return nil, err
	}
	if err := d.enter(v, path); err != nil {
		return nil, err
	}
	defer d.leave(v)
	var maps []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, c := range v.Content {
			c, err := d.resolve(c, path)
			if err != nil {
				return nil, err
			}
			if c.Kind != yaml.MappingNode {
				return nil, d.errorf(c, path, "a merge key (<<) takes a mapping or a list of mappings")
			}
			maps = append(maps, c)
		}
	default:
		return nil, d.errorf(v, path, "a merge key (<<) takes a mapping or a list of mappings")
	}
	var out []pair
	for _, m := range maps {
		ps, err := d.pairs(m, path)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// lookup finds the value of key in mapping n (through merge keys), or nil.
func (d *decoder) lookup(n *yaml.Node, key string) *yaml.Node {
	n, err := d.resolve(n, "")
	if err != nil || n.Kind != yaml.MappingNode {
		return nil
	}
	pairs, err := d.pairs(n, "")
	if err != nil {
		return nil
	}
	for _, p := range pairs {
		if p.key == key {
			if v, err := d.resolve(p.value, ""); err == nil {
				return v
			}
		}
	}
	return nil
}

// locate finds the node a field path (a.b[2].c, labels[app.kubernetes.io/name])
// names under root, or the deepest node on the way to it.
func (d *decoder) locate(root *yaml.Node, path string) *yaml.Node {
	n, err := d.resolve(root, "")
	if err != nil {
		return root
	}
	for _, seg := range splitPath(path) {
		var next *yaml.Node
		if i, err := strconv.Atoi(seg); err == nil && n.Kind == yaml.SequenceNode {
			if i >= 0 && i < len(n.Content) {
				next, _ = d.resolve(n.Content[i], "")
			}
		} else {
			next = d.lookup(n, seg)
		}
		if next == nil {
			break
		}
		n = next
	}
	return n
}

// splitPath splits a field path into keys and indexes; a bracketed part is
// one segment even when it holds dots.
func splitPath(path string) []string {
	var segs []string
	for path != "" {
		switch {
		case path[0] == '.':
			path = path[1:]
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, path[1:])
			}
			segs = append(segs, path[1:end])
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			segs = append(segs, path[:end])
			path = path[end:]
		}
	}
	return segs
}

// errorAt reports msg for the field path under root, at the node the path
// names (or the nearest one that exists).
func (d *decoder) errorAt(root *yaml.Node, path, format string, args ...any) *Error {
	return d.errorf(d.locate(root, path), path, format, args...)
}

// parseDocuments splits a file into its YAML documents; empty ones are kept
// as null nodes for the caller to skip. A syntax error becomes an *Error at
// the place it names (yamlerr.go).
func parseDocuments(file string, data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, syntaxError(file, data, err)
		}
		docs = append(docs, &n)
	}
}
