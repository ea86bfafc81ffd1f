pub struct ChairApp;
pub enum Effect {}
pub enum Event {}
pub struct ViewModel;
