package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// IntOrString is an integer or a percentage such as "25%".
type IntOrString struct {
	IsString bool
	IntVal   int32
	StrVal   string
}

// FromInt returns an integer IntOrString.
func FromInt(i int32) *IntOrString { return &IntOrString{IntVal: i} }

// FromString returns a string IntOrString.
func FromString(s string) *IntOrString { return &IntOrString{IsString: true, StrVal: s} }

// UnmarshalYAML reads an int or a string.
func (v *IntOrString) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want an integer or a percentage")
	}
	if n.Tag == "!!int" {
		i, err := strconv.ParseInt(n.Value, 10, 32)
		if err != nil {
			return fmt.Errorf("want an integer or a percentage, got %q", n.Value)
		}
		*v = IntOrString{IntVal: int32(i)}
		return nil
	}
	*v = IntOrString{IsString: true, StrVal: n.Value}
	return nil
}

// MarshalJSON writes the int or the string.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	if v.IsString {
		return []byte(strconv.Quote(v.StrVal)), nil
	}
	return []byte(strconv.Itoa(int(v.IntVal))), nil
}

// MarshalYAML writes the int or the string.
func (v IntOrString) MarshalYAML() (any, error) {
	if v.IsString {
		return v.StrVal, nil
	}
	return v.IntVal, nil
}

// String prints the value as written.
func (v IntOrString) String() string {
	if v.IsString {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// ScaledValue resolves the value against total, rounding a percentage up or
// down (intstr.GetScaledValueFromIntOrPercent).
func (v IntOrString) ScaledValue(total int, roundUp bool) (int, error) {
	if !v.IsString {
		return int(v.IntVal), nil
	}
	s, ok := strings.CutSuffix(v.StrVal, "%")
	if !ok {
		return 0, fmt.Errorf("invalid value for IntOrString: invalid type: string is not a percentage")
	}
	p, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q: %w", v.StrVal, err)
	}
	if roundUp {
		return int(math.Ceil(float64(p) * float64(total) / 100)), nil
	}
	return int(math.Floor(float64(p) * float64(total) / 100)), nil
}

// UnmarshalJSON reads an int or a string.
func (v *IntOrString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return err
		}
		*v = IntOrString{IsString: true, StrVal: s}
		return nil
	}
	i, err := strconv.ParseInt(string(b), 10, 32)
	if err != nil {
		return fmt.Errorf("want an integer or a percentage, got %s", b)
	}
	*v = IntOrString{IntVal: int32(i)}
	return nil
}
