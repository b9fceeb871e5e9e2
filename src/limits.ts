// The sizes and ranges the addon enforces (native/binding/rtm_limits.h), read
// from it so that TypeScript and C++ check the very same numbers.
import { native, NativeLimits } from './native';

export function limits(): NativeLimits {
  return native().limits;
}
