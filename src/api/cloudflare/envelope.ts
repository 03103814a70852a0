// Cloudflare's response envelope, on every answer of that surface: `{success, errors, messages, result, result_info?}`.
import type { Response } from 'express';
import type { CfList, ResultInfo } from '../../services/cloudflare-pages.ts';

export interface Envelope {
  success: boolean;
  errors: Array<{ code: number; message: string }>;
  messages: string[];
  result: unknown;
  result_info?: ResultInfo;
}

export function success(result: unknown, resultInfo?: ResultInfo): Envelope {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

export function failure(code: number, message: string): Envelope {
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}

export function sendResult(res: Response, result: unknown): void {
  res.json(success(result));
}

export function sendList(res: Response, list: CfList<unknown>): void {
  res.json(success(list.result, list.resultInfo));
}
