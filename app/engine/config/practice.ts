/**
 * The built-in practice exam, offered on the first screen so anyone can go through the whole flow without an
 * institution. Signed once with a practice key whose private half was thrown away after signing; the key is
 * trusted everywhere but only for practice (`practiceOnly`): it cannot name a server or carry a token, and the
 * session's report says "practice". Default policy: every detector on, every warning shown.
 */
import type { TrustedKey } from './trust';

export const PRACTICE_KEY: TrustedKey = {"kid":"Gv-keaDSMCQoknICc_rOdk-iL1Qi_AdjBsupjiTdSrk","name":"Vigil practice exam","publicKey":{"kty":"OKP","crv":"Ed25519","x":"JZbzAxQhTLb8Il_IImU4TNvKf-SKc98DpCwRhxA-qaU"},"practiceOnly":true};

export const PRACTICE_EXAM =
  'eyJhbGciOiJFZERTQSIsImtpZCI6Ikd2LWtlYURTTUNRb2tuSUNjX3JPZGstaUwxUWlfQWRqQnN1cGppVGRTcmsiLCJ0eXAiOiJ2aWdpbC1leGFtK2p3cyJ9.eyJ2IjoxLCJleGFtSWQiOiJ2aWdpbC1wcmFjdGljZSIsIm1vZGUiOiJwcmFjdGljZSIsInBvbGljeSI6eyJjYW5kaWRhdGVXYXJuaW5ncyI6ImFsbCJ9LCJpYXQiOjE3OTY0Mjg4MDAsImV4cCI6NDEwMjQ0NDgwMH0.ejUvXAT9HWJ9MdV40FPsh-vScT7pJrKaVA8Kd_XT3QJTw1u0h4cDC_KXXSWpUE_o4PwmJN1aiygSOzObjm6RBg';
