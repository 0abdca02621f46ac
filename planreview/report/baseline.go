package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Diff is what changed since an approved review: what a reviewer must look at.
type Diff struct {
	Principals []string `json:"new_principals,omitempty"`
	Grants     []string `json:"new_grants,omitempty"`
	Trust      []string `json:"new_trust,omitempty"`
	Keys       []string `json:"new_keys,omitempty"`
	KeyUsers   []string `json:"new_key_users,omitempty"`
	Exceptions []string `json:"new_exceptions,omitempty"`
	Network    []string `json:"changed_network,omitempty"`
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool {
	return len(d.Principals)+len(d.Grants)+len(d.Trust)+len(d.Keys)+len(d.KeyUsers)+len(d.Exceptions)+len(d.Network) == 0
}

// Compare lists what rv grants that the baseline did not.
func Compare(base, rv Review) Diff {
	var d Diff
	d.Principals = added(roles(base), roles(rv))
	d.Grants = added(grants(base), grants(rv))
	d.Trust = added(trust(base), trust(rv))
	d.Keys = added(keyNames(base), keyNames(rv))
	d.KeyUsers = added(keyUsers(base), keyUsers(rv))
	d.Exceptions = added(exceptions(base), exceptions(rv))
	d.Network = added(base.Inventory.Network, rv.Inventory.Network)
	return d
}

// Write prints the diff; nothing at all when nothing changed.
func (d Diff) Write(w io.Writer) error {
	if d.Empty() {
		return nil
	}
	var b strings.Builder
	b.WriteString("# Changes since the approved review\n")
	for _, s := range []struct {
		title string
		items []string
	}{
		{"New principals", d.Principals}, {"New actions (role → actions → resources)", d.Grants}, {"New trust", d.Trust},
		{"New keys", d.Keys}, {"New key users", d.KeyUsers}, {"New exceptions", d.Exceptions}, {"Changed network exposure", d.Network},
	} {
		if len(s.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", s.title)
		for _, it := range s.items {
			fmt.Fprintf(&b, "- %s\n", it)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func added(old, cur []string) []string {
	var out []string
	for _, c := range cur {
		if !slices.Contains(old, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func roles(rv Review) []string {
	var out []string
	for _, p := range rv.Inventory.Principals {
		out = append(out, p.Role)
	}
	return out
}

func grants(rv Review) []string {
	var out []string
	for _, p := range rv.Inventory.Principals {
		for _, g := range p.Grants {
			for _, one := range splitActions(g) {
				out = append(out, p.Role+": "+one)
			}
		}
	}
	return out
}

// splitActions turns "a, b → r" into "a → r", "b → r": a new action on an
// existing statement shows as itself.
func splitActions(g string) []string {
	acts, rest, ok := strings.Cut(g, " → ")
	if !ok {
		return []string{g}
	}
	var out []string
	for _, a := range strings.Split(acts, ", ") {
		out = append(out, a+" → "+rest)
	}
	return out
}

func trust(rv Review) []string {
	var out []string
	for _, p := range rv.Inventory.Principals {
		for _, t := range p.TrustedBy {
			out = append(out, p.Role+" assumed by "+t)
		}
	}
	return out
}

func keyNames(rv Review) []string {
	var out []string
	for _, k := range rv.Inventory.Keys {
		out = append(out, k.Key)
	}
	return out
}

func keyUsers(rv Review) []string {
	var out []string
	for _, k := range rv.Inventory.Keys {
		for _, u := range k.Users {
			out = append(out, k.Key+": "+u)
		}
	}
	return out
}

func exceptions(rv Review) []string {
	var out []string
	for _, e := range rv.Exceptions {
		out = append(out, e.ID+" at "+e.Resource)
	}
	return out
}
