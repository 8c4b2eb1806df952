import { Command } from 'commander';
import { commands } from './commands/index.js';

export function program(): Command {
  const root = new Command('rosetta')
    .description('One VGG CNN (CIFAR-10) and one GRU (IMDB), trained identically on several deep-learning backends and compared.')
    .showHelpAfterError();
  for (const command of commands) root.addCommand(command());
  return root;
}
