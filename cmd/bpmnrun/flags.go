package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// outputFormat is the value of a --format flag. As a pflag.Value it rejects
// unknown formats while the command line is parsed, so they are usage
// errors (exit 2).
type outputFormat string

const (
	formatText outputFormat = "text"
	formatJSON outputFormat = "json"
)

func (f *outputFormat) String() string { return string(*f) }

func (f *outputFormat) Set(s string) error {
	switch v := outputFormat(s); v {
	case formatText, formatJSON:
		*f = v
		return nil
	}
	return fmt.Errorf("unknown format %q, want %q or %q", s, formatText, formatJSON)
}

func (f *outputFormat) Type() string { return "format" }

// fileArgs accepts at least min and at most max FILE arguments (max < 0:
// any number). Being an Args check, a mismatch is a usage error.
func fileArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		n := len(args)
		switch {
		case n < min && min == max:
			return fmt.Errorf("%s needs %s", cmd.Name(), plural(min, "FILE argument"))
		case n < min:
			return fmt.Errorf("%s needs at least %s", cmd.Name(), plural(min, "FILE argument"))
		case max >= 0 && n > max:
			return fmt.Errorf("%s takes %s, got %d", cmd.Name(), plural(max, "FILE argument"), n)
		}
		return nil
	}
}
