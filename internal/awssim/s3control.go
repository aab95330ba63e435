package awssim

import "net/http"

const s3ControlPath = "/v20180820/configuration/publicAccessBlock"

// S3 Control's account-level Block Public Access, per account (the
// account of x-amz-account-id): on in a baselined account, unset in a
// bare one.
func init() {
	generate("s3control", func(a *account, _ string) map[string]any {
		if !a.baselined() {
			return nil
		}
		return map[string]any{"publicAccessBlock": blockAllXML}
	})
	serve("s3-control", map[string]handler{
		"GET " + s3ControlPath:    (*Server).getAccountPublicAccessBlock,
		"PUT " + s3ControlPath:    (*Server).putAccountPublicAccessBlock,
		"DELETE " + s3ControlPath: (*Server).putAccountPublicAccessBlock,
	})
}

func (s *Server) s3ControlAccount(c *call) *account {
	if id := c.r.Header.Get("X-Amz-Account-Id"); id != "" {
		c.account = id
	}
	return s.lock(c)
}

func (s *Server) getAccountPublicAccessBlock(w http.ResponseWriter, c *call) {
	a := s.s3ControlAccount(c)
	body, ok := a.coll("", "s3control")["publicAccessBlock"].(string)
	a.mu.Unlock()
	if !ok {
		notFound(w, c, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		return
	}
	writeXML(w, body)
}

func (s *Server) putAccountPublicAccessBlock(w http.ResponseWriter, c *call) {
	a := s.s3ControlAccount(c)
	if c.r.Method == http.MethodDelete {
		delete(a.coll("", "s3control"), "publicAccessBlock")
	} else {
		a.coll("", "s3control")["publicAccessBlock"] = string(c.body)
	}
	a.mu.Unlock()
	s.Writes.Add(1)
	w.WriteHeader(http.StatusOK)
}
