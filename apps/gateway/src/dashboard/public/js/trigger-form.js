import { post } from './api.js';
import { el, toast } from './format.js';
import { showError } from './task-form.js';

/**
 * Run a task now with a config of its own: the task's config with a JSON Merge Patch applied (keys replace, objects
 * merge, null removes). The server validates the result as it validates the task's config; the task is unchanged.
 */
export function openTriggerForm({ task, onTriggered }) {
  const dialog = document.getElementById('task-dialog');
  const form = document.getElementById('task-form');
  const errorBox = el('div', { class: 'form-error', hidden: true });
  const patch = el('textarea', { name: 'configPatch', spellcheck: 'false' }, '{\n  \n}');
  form.replaceChildren(
    el('h2', {}, `Trigger “${task.name}” with its own config`),
    el('p', { class: 'muted', style: 'margin: 0' }, 'This run uses the task’s config with the patch applied: keys replace, objects merge, null removes a key. The task itself does not change.'),
    el('div', { class: 'form-grid' },
      el('label', {}, 'Task config', el('pre', { class: 'config', style: 'margin: 0; max-height: 260px; overflow: auto' }, JSON.stringify(task.config, null, 2))),
      el('label', {}, 'Config patch (JSON)', patch)),
    errorBox,
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      el('button', { type: 'submit', class: 'primary', value: 'trigger' }, 'Trigger')));

  form.onsubmit = async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    let configPatch;
    try {
      configPatch = JSON.parse(patch.value);
    } catch (error) {
      return showError(errorBox, new Error(`The patch is not valid JSON: ${error.message}`));
    }
    try {
      const result = await post(`tasks/${encodeURIComponent(task.taskId)}/trigger`, { configPatch });
      dialog.close();
      toast(`Triggered “${task.name}” with its own config`);
      onTriggered?.(result);
    } catch (error) {
      showError(errorBox, error);
    }
  };
  dialog.showModal();
  patch.focus();
}
