package offline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Accounts handed out to provider configurations in order: the default
// configuration is the source account, each alias (sorted) the next one.
var Accounts = []string{"111111111111", "222222222222", "333333333333", "444444444444"}

// Env is the environment a plan needs offline: no shared config files, no
// instance metadata, the fake credentials.
func Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// Offline is a configuration made plannable without an account.
type Offline struct {
	// Accounts maps each provider alias ("" = default) to its account id.
	Accounts map[string]string
	// Region is where CreateLogBuckets makes the buckets ("" is us-east-1);
	// its partition names them (moto keeps each partition's S3 apart).
	Region  string
	servers []*STS
	file    string
}

// Setup starts one STS per aws provider configuration of dir and writes the
// override file that points them there. Close undoes both.
func Setup(dir string) (*Offline, error) {
	o := &Offline{}
	err := o.write(dir, "a local STS and fake credentials", func(alias, account string) (string, error) {
		s, err := StartSTS(account)
		if err != nil {
			return "", err
		}
		o.servers = append(o.servers, s)
		return providerHCL(alias, s.Endpoint), nil
	})
	if err != nil {
		return nil, errors.Join(err, o.Close())
	}
	return o, nil
}

// write gives each aws provider configuration of dir an account (in alias
// order) and writes the override file with the block provider returns.
func (o *Offline) write(dir, what string, provider func(alias, account string) (string, error)) error {
	aliases, err := Aliases(dir)
	if err != nil {
		return err
	}
	if len(aliases) > len(Accounts) {
		return fmt.Errorf("offline setup: %d aws provider configurations, at most %d supported", len(aliases), len(Accounts))
	}
	o.Accounts, o.file = map[string]string{}, filepath.Join(dir, OverrideFile)
	var hcl strings.Builder
	fmt.Fprintf(&hcl, "# Written by plan-review: %s, never a real account.\n", what)
	for i, alias := range aliases {
		block, err := provider(alias, Accounts[i])
		if err != nil {
			return err
		}
		o.Accounts[alias] = Accounts[i]
		hcl.WriteString(block)
	}
	if err := os.WriteFile(o.file, []byte(hcl.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", o.file, err)
	}
	return nil
}

// Close stops the STS servers and removes the override file.
func (o *Offline) Close() error {
	var errs []error
	for _, s := range o.servers {
		errs = append(errs, s.Close())
	}
	if err := os.Remove(o.file); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("remove %s: %w", o.file, err))
	}
	return errors.Join(errs...)
}
