package kinds

import (
	"fmt"
	"reflect"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// SetClients gives the kinds of a layer the clients they use, by the
// type the layer declares for them (an interface of its own): tests set
// fakes this way. Without it, ClientsOf builds the real ones from the
// session. Call it before the apply starts; it is not safe concurrently
// with ClientsOf.
func SetClients[T any](e *Env, c T) {
	if e.clients == nil {
		e.clients = map[reflect.Type]any{}
	}
	e.clients[reflect.TypeFor[T]()] = c
}

// ClientsOf returns the clients of type T set with SetClients, else
// real(e.Session). Each layer calls it with its own clients type, so the
// framework holds no field per layer. With neither set clients nor a
// session it fails, naming the layer whose clients are missing.
func ClientsOf[T any](e *Env, layer string, real func(*awsx.Session) T) (T, error) {
	if c, ok := e.clients[reflect.TypeFor[T]()].(T); ok {
		return c, nil
	}
	if e.Session == nil {
		var zero T
		return zero, fmt.Errorf("no %s clients: the apply has no session and none were set", layer)
	}
	return real(e.Session), nil
}
