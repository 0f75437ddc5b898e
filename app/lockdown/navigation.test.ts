import { describe, expect, it } from 'vitest';
import { createNavigationAllowList } from './navigation';

describe('the navigation allow-list', () => {
  const allowed = createNavigationAllowList('vigil-app://app', ['https://exam.example.org', 'https://cdn.example.org:8443']);
  it('allows the app itself and the exam’s origins', () => {
    expect(allowed('vigil-app://app/exam')).toBe(true);
    expect(allowed('https://exam.example.org/q/1?x=2')).toBe(true);
    expect(allowed('https://cdn.example.org:8443/a.js')).toBe(true);
  });
  it('refuses look-alike hosts, other ports, plain http and other schemes', () => {
    expect(allowed('https://exam.example.org.evil.com/')).toBe(false);
    expect(allowed('https://evil.com/?https://exam.example.org')).toBe(false);
    expect(allowed('https://cdn.example.org/a.js')).toBe(false);
    expect(allowed('http://exam.example.org/')).toBe(false);
    expect(allowed('file:///etc/passwd')).toBe(false);
    expect(allowed('javascript:alert(1)')).toBe(false);
    expect(allowed('not a url')).toBe(false);
  });
});
