// Package offline lets `terraform plan` run with no cloud account: a local
// stand-in for AWS STS answers the one call a plan makes (GetCallerIdentity,
// for data.aws_caller_identity), and an override file points every aws
// provider configuration at it with fake credentials.
package offline

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
)

// STS answers GetCallerIdentity with a fixed account, in the query (XML) and
// the JSON protocol. Each provider configuration gets its own STS so that two
// accounts (source and partner) stay distinct in the plan.
type STS struct {
	Account  string
	Endpoint string

	srv *http.Server
}

// StartSTS serves GetCallerIdentity for account on a free loopback port.
func StartSTS(account string) (*STS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the offline STS: %w", err)
	}
	s := &STS{Account: account, Endpoint: "http://" + ln.Addr().String()}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// credentialRegion is the region of a SigV4 Authorization header.
var credentialRegion = regexp.MustCompile(`Credential=[^/]+/[0-9]{8}/([a-z0-9-]+)/`)

// Close stops the server.
func (s *STS) Close() error { return s.srv.Close() }

func (s *STS) serve(w http.ResponseWriter, r *http.Request) {
	// The caller's partition, from the region the request is signed for
	// (Credential=KEY/DATE/REGION/sts/aws4_request): a GovCloud plan's
	// identity is arn:aws-us-gov:….
	partition := "aws"
	if m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil && strings.HasPrefix(m[1], "us-gov-") {
		partition = "aws-us-gov"
	}
	arn := fmt.Sprintf("arn:%s:iam::%s:user/plan-review", partition, s.Account)
	if strings.Contains(r.Header.Get("Content-Type"), "json") {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]string{"Account": s.Account, "Arn": arn, "UserId": "AIDAPLANREVIEW"})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAPLANREVIEW</UserId><Account>%s</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, arn, s.Account)
}
