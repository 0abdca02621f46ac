package controls

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var containersControl = Control{
	ID:    "containers",
	Title: "Containers: non-root, unprivileged, read-only root, capabilities dropped",
	NIST:  []string{"CM-7", "AC-6"},
	Description: "Every container of every ECS task definition: not privileged, read-only root filesystem, no added capabilities, " +
		"and a non-root user that drops ALL capabilities. One root container is accepted (permissions-init): it must be " +
		"non-essential, read-only root, run `prepare-scratch`, get no secrets, and keep no capability but CHOWN. Any other root container fails.",
	Check: checkContainers,
}

// The Docker default capabilities; a container keeps those it does not drop.
var dockerDefaultCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

func checkContainers(c *Context, r *Result) {
	forEachContainer(c, r, func(td *model.Resource, ct container) {
		res := td.Address + " container " + ct.Name
		add, drop := ct.capabilities()
		r.add(res, "user / essential", fmt.Sprintf("user=%q essential=%v", ct.User, ct.essential()), Info, "")
		r.check(res, "privileged", boolText(ct.Privileged), ct.Privileged == nil || !*ct.Privileged, "")
		r.check(res, "readonlyRootFilesystem", boolText(ct.ReadonlyRootFilesystem), ct.ReadonlyRootFilesystem != nil && *ct.ReadonlyRootFilesystem, "")
		r.check(res, "linuxParameters.capabilities.add", fmt.Sprint(add), len(add) == 0, "")
		kept := keptCaps(drop)
		if !isRoot(ct.User) {
			r.check(res, "user", ct.User, true, "non-root")
			r.check(res, "linuxParameters.capabilities.drop", fmt.Sprint(drop), len(kept) == 0, "keeps "+fmt.Sprint(kept))
			return
		}
		problems := rootExceptionProblems(ct, kept)
		if len(problems) > 0 {
			r.add(res, "user", fmt.Sprintf("%q (root)", ct.User), Fail, "root outside the accepted exception: "+strings.Join(problems, "; "))
			return
		}
		r.add(res, "user", fmt.Sprintf("%q (root): command %v, keeps %v, no secrets, non-essential, read-only root", ct.User, ct.Command, kept), Pass, "accepted exception")
		r.except("EX-ROOT-INIT", res)
	})
}

// rootExceptionProblems lists how a root container misses the exception.
func rootExceptionProblems(ct container, kept []string) []string {
	var p []string
	if ct.essential() {
		p = append(p, "essential")
	}
	if ct.ReadonlyRootFilesystem == nil || !*ct.ReadonlyRootFilesystem {
		p = append(p, "writable root filesystem")
	}
	if len(ct.Command) == 0 || ct.Command[0] != "prepare-scratch" {
		p = append(p, fmt.Sprintf("command %v is not prepare-scratch", ct.Command))
	}
	if len(ct.EntryPoint) > 0 {
		p = append(p, fmt.Sprintf("entryPoint overridden: %v", ct.EntryPoint))
	}
	if len(ct.Secrets) > 0 {
		p = append(p, fmt.Sprintf("%d secrets", len(ct.Secrets)))
	}
	if ct.Privileged != nil && *ct.Privileged {
		p = append(p, "privileged")
	}
	for _, k := range kept {
		if k != "CHOWN" {
			p = append(p, "keeps "+strings.Join(kept, ", ")+" (only CHOWN is needed)")
			break
		}
	}
	return p
}

// isRoot: no user (the image's, root unless the image says otherwise is not
// visible here), uid 0 or the name root.
func isRoot(user string) bool {
	u := strings.SplitN(user, ":", 2)[0]
	return u == "" || u == "0" || u == "root"
}

// keptCaps are the default capabilities a container keeps after drop.
func keptCaps(drop []string) []string {
	dropped := map[string]bool{}
	for _, d := range drop {
		dropped[strings.TrimPrefix(strings.ToUpper(d), "CAP_")] = true
	}
	if dropped["ALL"] {
		return nil
	}
	var kept []string
	for _, c := range dockerDefaultCaps {
		if !dropped[c] {
			kept = append(kept, c)
		}
	}
	return kept
}
