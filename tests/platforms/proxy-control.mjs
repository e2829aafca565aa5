// Drives a fault proxy (tests/support/fault-proxy.mjs) over HTTP, from Node or from a page.
export function proxyControl(url) {
  const call = async (method, path, body) => {
    const response = await fetch(`${url}/__proxy/${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`proxy ${method} ${path}: ${response.status}`);
    return response.json();
  };
  return {
    url,
    fault: (fault) => call('POST', 'faults', fault),
    clearFaults: () => call('DELETE', 'faults'),
    requests: () => call('GET', 'requests'),
    clearRequests: () => call('DELETE', 'requests'),
  };
}
