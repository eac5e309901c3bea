// Placeholder home screen: shows the school and what is waiting. The real screens replace it.
const invoke = window.__TAURI__ ? window.__TAURI__.core.invoke : null;

async function refresh() {
  const status = document.getElementById('status');
  if (!invoke) { status.textContent = 'Not running inside the kiosk app.'; return; }
  try {
    const home = await invoke('home_status');
    document.getElementById('school-name').textContent = home.school_name || 'Reception Kiosk';
    status.textContent = `${home.students} pupils on the roster, ${home.pending} events waiting to be written back.`;
  } catch (e) {
    status.textContent = String(e);
  }
}
refresh();
