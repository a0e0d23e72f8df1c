/**
 * The kernel lab's own check (test/integration/kernel-lab.test.ts), run inside the guest:
 * prints the kernel release, whether the shared root is writable and whether /tmp is, then
 * exits with the code given as its first argument.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const attempt = (path: string) => {
  try {
    writeFileSync(path, 'x');
    return 'writable';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
};
console.log(`kernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}`);
console.log(`shared root ${attempt(fileURLToPath(new URL('./kernel-lab-probe.written', import.meta.url)))}`);
console.log(`tmp ${attempt('/tmp/kernel-lab-probe')}`);
process.exit(Number(process.argv[2]));
