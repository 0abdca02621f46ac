// Package image checks the task image's Dockerfile without building it, on
// every `go test ./...`: it parses the file with BuildKit's own parser and
// resolves ARG defaults the way a build does, so the tests can assert what
// the image promises. `make image-test` (test/image) builds the image
// and checks the same promises on the real thing.
package dockerfile

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Instruction is one Dockerfile instruction, as the parser split it.
type Instruction struct {
	Cmd   string   // lower case: "from", "run", "user", ...
	Flags []string // --from=build, --mount=..., --platform=...
	Args  []string // words, or the JSON array's elements when JSON
	JSON  bool     // exec form: ["a", "b"]
	Line  int
}

// Text is the instruction's arguments joined by spaces (a RUN's script).
func (in Instruction) Text() string { return strings.Join(in.Args, " ") }

// Stage is one FROM ... section.
type Stage struct {
	Name  string // the AS name, lower case; "" when unnamed
	Base  string // the FROM image with ARGs resolved
	Args  map[string]string
	Instr []Instruction // after FROM
}

// Dockerfile is a parsed Dockerfile with its global ARGs (before any FROM).
type Dockerfile struct {
	GlobalArgs map[string]string
	Stages     []*Stage
}

var lex = shell.NewLex('\\')

// Expand resolves $VAR and ${VAR} in word with the ARG values in scope.
func Expand(word string, vars map[string]string) (string, error) {
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	out, _, err := lex.ProcessWord(word, shell.EnvsFromSlice(env))
	return out, err
}

// Parse reads and parses the Dockerfile at path.
func Parse(path string) (*Dockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	df := &Dockerfile{GlobalArgs: map[string]string{}}
	var cur *Stage
	for _, n := range res.AST.Children {
		in := Instruction{Cmd: strings.ToLower(n.Value), Flags: n.Flags, JSON: n.Attributes["json"], Line: n.StartLine}
		for a := n.Next; a != nil; a = a.Next {
			in.Args = append(in.Args, a.Value)
		}
		switch {
		case in.Cmd == "from":
			base, err := Expand(in.Args[0], df.GlobalArgs)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", in.Line, err)
			}
			cur = &Stage{Base: base, Args: map[string]string{}}
			if len(in.Args) == 3 && strings.EqualFold(in.Args[1], "as") {
				cur.Name = strings.ToLower(in.Args[2])
			}
			df.Stages = append(df.Stages, cur)
		case in.Cmd == "arg" && cur == nil:
			if err := declare(in, df.GlobalArgs, nil); err != nil {
				return nil, err
			}
		case in.Cmd == "arg":
			if err := declare(in, cur.Args, df.GlobalArgs); err != nil {
				return nil, err
			}
			cur.Instr = append(cur.Instr, in)
		case cur == nil:
			return nil, fmt.Errorf("line %d: %s before the first FROM", in.Line, in.Cmd)
		default:
			cur.Instr = append(cur.Instr, in)
		}
	}
	if len(df.Stages) == 0 {
		return nil, fmt.Errorf("%s has no FROM", path)
	}
	return df, nil
}

// declare records ARG NAME[=default] ...: a default is expanded with the
// ARGs before it; a bare NAME in a stage takes the global default, as in a
// build without --build-arg.
func declare(in Instruction, scope, global map[string]string) error {
	for _, a := range in.Args {
		name, def, hasDef := strings.Cut(a, "=")
		switch {
		case hasDef:
			v, err := Expand(def, scope)
			if err != nil {
				return fmt.Errorf("line %d: ARG %s: %w", in.Line, name, err)
			}
			scope[name] = v
		case global != nil:
			if v, ok := global[name]; ok {
				scope[name] = v
			}
		}
	}
	return nil
}

// Final is the stage the image is made of.
func (df *Dockerfile) Final() *Stage { return df.Stages[len(df.Stages)-1] }

// Stage returns the stage named name, or nil.
func (df *Dockerfile) Stage(name string) *Stage {
	for _, s := range df.Stages {
		if s.Name == strings.ToLower(name) {
			return s
		}
	}
	return nil
}

// All returns the stage's instructions of one kind, in order.
func (s *Stage) All(cmd string) []Instruction {
	var out []Instruction
	for _, in := range s.Instr {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// Last returns the stage's last instruction of one kind: the one that wins
// for USER, ENTRYPOINT, CMD.
func (s *Stage) Last(cmd string) (Instruction, bool) {
	all := s.All(cmd)
	if len(all) == 0 {
		return Instruction{}, false
	}
	return all[len(all)-1], true
}

// Flag returns the value of --name=value on the instruction.
func (in Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// KeyValues returns a LABEL's or ENV's pairs, values unquoted and expanded
// with the stage's ARGs (the parser gives key, value, "=" triples).
func (s *Stage) KeyValues(in Instruction) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i+1 < len(in.Args); i += 3 {
		v, err := Expand(in.Args[i+1], s.Args)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %w", in.Line, in.Args[i], err)
		}
		out[in.Args[i]] = v
	}
	return out, nil
}
