#ifndef MNL_CZMQ_SHIM_H
#define MNL_CZMQ_SHIM_H
// ZeroMQ (Debian's libzmq3-dev), for the Jupyter kernel's sockets.
#include <zmq.h>
#endif
