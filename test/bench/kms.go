package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
)

// startKMSStub answers the one KMS call advana-export makes, DescribeKey,
// for kmsKeyARN: the task checks its key before pg_dump starts, and
// versitygw serves no KMS. The bench measures throughput, so an enabled key
// is all it needs; the correctness tests talk to moto's real KMS emulation.
func startKMSStub() *httptest.Server {
	body := fmt.Sprintf(`{"KeyMetadata":{"Arn":%q,"KeyId":"00000000-0000-4000-8000-000000000000","Enabled":true,"KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT"}}`, kmsKeyARN)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "TrentService.DescribeKey" {
			http.Error(w, `{"__type":"UnsupportedOperationException"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(body))
	}))
}
